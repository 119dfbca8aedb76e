"""Writes src/test/resources/graphs/pinned.onnx: a float32 graph for OnnxModel's pinned outputs, with one output
whose declared shape lets a wrong pinned buffer through (only the run finds the mismatch).

  x    float [N, 3]
  y    float [N, 3]  = x * 2 + 1           (shape fixed where it can be: a pinned [N, 4] buffer is refused up front)
  wide float [N, W]  = concat(x, y, axis 1) (W is 6, but declared dynamic: a pinned [N, 3] buffer fails the run)

  .venv/bin/python tools/testgraphs/make_pinned.py     (tools/setup-python.sh makes the venv)
"""
from onnx import TensorProto, helper

from graphfile import save

nodes = [
    helper.make_node("Mul", ["x", "two"], ["x2"]),
    helper.make_node("Add", ["x2", "one"], ["y"]),
    helper.make_node("Concat", ["x", "y"], ["wide"], axis=1),
]
inits = [
    helper.make_tensor("two", TensorProto.FLOAT, [], [2.0]),
    helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
]
graph = helper.make_graph(
    nodes, "pinned",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3]),
     helper.make_tensor_value_info("wide", TensorProto.FLOAT, ["N", "W"])],
    inits)
save(graph, "pinned.onnx")
