"""What every test-graph script does last: wrap the graph as an opset-17, IR-8 model (what ORT 1.28 reads), check it,
and write it into src/test/resources/graphs/."""
import os

import onnx
from onnx import helper

GRAPHS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "test", "resources", "graphs")


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kinora-testgraphs")
    model.ir_version = 8
    onnx.checker.check_model(model)
    out = os.path.join(GRAPHS, name)
    onnx.save(model, out)
    print(out, os.path.getsize(out), "bytes")
