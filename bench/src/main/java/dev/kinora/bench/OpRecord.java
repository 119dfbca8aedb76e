package dev.kinora.bench;

import java.util.List;

/**
 * One kernel run from an ONNX Runtime profile: node name, operator type, duration and the shapes of
 * its inputs and outputs as they were at run time (so dynamic axes are resolved).
 */
public record OpRecord(String node, String opType, long startUs, long durUs, List<long[]> inputs, List<long[]> outputs) {
    public OpRecord {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
