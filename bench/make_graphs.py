#!/usr/bin/python3
"""Writes the two small ONNX graphs the benchmark harness ships (committed output, a few hundred bytes):

  bench/src/main/resources/dev/kinora/bench/matmul.onnx   Y = A @ B with A [M,K], B [K,N] dynamic: the GEMM
                                                    peak probe (`bench/kb gemm`)
  bench/src/test/resources/bench/known.onnx               Conv 3x3 -> grouped 1x1 Conv -> MatMul -> Gemm on fixed
                                                    shapes, whose MAC count is worked out by hand below
                                                    (MacCounterTest checks the counter against it)
Run from the repository root: .venv/bin/python bench/make_graphs.py (bench/setup-python.sh makes the venv)
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

OPSET = [helper.make_opsetid("", 17)]


def save(graph, path):
    m = helper.make_model(graph, opset_imports=OPSET, producer_name="kinora-bench")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


save(helper.make_graph(
    [helper.make_node("MatMul", ["A", "B"], ["Y"])], "matmul",
    [helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", "K"]),
     helper.make_tensor_value_info("B", TensorProto.FLOAT, ["K", "N"])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["M", "N"])]),
    "bench/src/main/resources/dev/kinora/bench/matmul.onnx")

rng = np.random.default_rng(3)


def w(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


# x [1,3,8,8]
# conv1  3x3 pad 1, 3->4:      out [1,4,8,8]  = 256 elements x (3*3*3)  = 6912 MACs
# conv2  1x1, groups 2, 4->4:  out [1,4,8,8]  = 256 elements x (2*1*1)  =  512 MACs
# reshape [1,4,64]; matmul with [64,16]: out [1,4,16] = 64 elements x 64 = 4096 MACs
# reshape [4,16]; gemm with B [5,16] transB: out [4,5] = 20 elements x 16 =  320 MACs
# total 11840 MACs
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
     helper.make_node("Conv", ["c1", "w2"], ["c2"], group=2),
     helper.make_node("Reshape", ["c2", "s3"], ["r3"]),
     helper.make_node("MatMul", ["r3", "w3"], ["m3"]),
     helper.make_node("Reshape", ["m3", "s4"], ["r4"]),
     helper.make_node("Gemm", ["r4", "w4"], ["y"], transB=1)],
    "known",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 5])],
    [w("w1", 4, 3, 3, 3), w("b1", 4), w("w2", 4, 2, 1, 1), w("w3", 64, 16), w("w4", 5, 16),
     numpy_helper.from_array(np.array([1, 4, 64], dtype=np.int64), "s3"),
     numpy_helper.from_array(np.array([4, 16], dtype=np.int64), "s4")]),
    "bench/src/test/resources/bench/known.onnx")
print("wrote matmul.onnx and known.onnx")
