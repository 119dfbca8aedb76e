package dev.kinora.engine.pack;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A file of a pack (ONNX graph, tokenizer, external data) with its integrity data and tensor interface. */
public record Component(String key, String file, String sha256, long size, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public Component {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<TensorSpec> input(String role) {
        return inputs.stream().filter(s -> s.role().equals(role)).findFirst();
    }

    public Optional<TensorSpec> output(String role) {
        return outputs.stream().filter(s -> s.role().equals(role)).findFirst();
    }

    public String inputName(String role) {
        return input(role).map(TensorSpec::name).orElse(role);
    }

    public String outputName(String role) {
        return output(role).map(TensorSpec::name).orElse(role);
    }

    public Path path(Path root) {
        return root.resolve(file);
    }
}
