"""Writes src/test/resources/graphs/typed.onnx: a graph whose inputs and outputs are not float32, as
real exports have them (fp16 weights and activations, int64 timesteps).

  sample   float16 [N, 4]      out      float16 [N, 4] = sample * float16(timestep)[:, None] + 0.5
  timestep int64   [N]         next_t   int64   [N]    = timestep + 1

  .venv/bin/python tools/testgraphs/make_typed.py     (tools/setup-python.sh makes the venv)
"""
from onnx import TensorProto, helper

from graphfile import save

nodes = [
    helper.make_node("Cast", ["timestep"], ["t16"], to=TensorProto.FLOAT16),
    helper.make_node("Unsqueeze", ["t16", "axis1"], ["t16col"]),
    helper.make_node("Mul", ["sample", "t16col"], ["scaled"]),
    helper.make_node("Add", ["scaled", "half"], ["out"]),
    helper.make_node("Add", ["timestep", "one"], ["next_t"]),
]
inits = [
    helper.make_tensor("axis1", TensorProto.INT64, [1], [1]),
    helper.make_tensor("half", TensorProto.FLOAT16, [], [0.5]),
    helper.make_tensor("one", TensorProto.INT64, [], [1]),
]
graph = helper.make_graph(
    nodes, "typed",
    [helper.make_tensor_value_info("sample", TensorProto.FLOAT16, ["N", 4]),
     helper.make_tensor_value_info("timestep", TensorProto.INT64, ["N"])],
    [helper.make_tensor_value_info("out", TensorProto.FLOAT16, ["N", 4]),
     helper.make_tensor_value_info("next_t", TensorProto.INT64, ["N"])],
    inits)
save(graph, "typed.onnx")
