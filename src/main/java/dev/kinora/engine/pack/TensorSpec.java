package dev.kinora.engine.pack;

import dev.kinora.engine.tensor.Shapes;

/**
 * One declared input or output of a component: the role the engine uses it for, its name in the
 * ONNX graph and its shape (-1 for a free axis such as batch or frames).
 */
public record TensorSpec(String role, String name, long[] shape) {
    public String describe() {
        return name + Shapes.format(shape);
    }
}
