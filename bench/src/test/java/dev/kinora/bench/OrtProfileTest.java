package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrtProfileTest {
    private static final String TRACE = """
            [
            {"cat":"Session","pid":1,"tid":1,"dur":500,"ts":10,"ph":"X","name":"model_loading_uri","args":{}},
            {"cat":"Session","pid":1,"tid":1,"dur":100,"ts":1000,"ph":"X","name":"model_run","args":{}},
            {"cat":"Node","pid":1,"tid":1,"dur":1,"ts":1001,"ph":"X","name":"conv_fence_before","args":{"op_name":"Conv"}},
            {"cat":"Node","pid":1,"tid":1,"dur":60,"ts":1002,"ph":"X","name":"conv_kernel_time","args":{"op_name":"Conv",
              "input_type_shape":[{"float":[1,3,8,8]},{"float":[4,3,3,3]}],"output_type_shape":[{"float":[1,4,8,8]}]}},
            {"cat":"Node","pid":1,"tid":1,"dur":20,"ts":1070,"ph":"X","name":"relu_kernel_time","args":{"op_name":"Relu",
              "input_type_shape":[{"float":[1,4,8,8]}],"output_type_shape":[{"float":[1,4,8,8]}]}},
            {"cat":"Session","pid":1,"tid":1,"dur":100,"ts":2000,"ph":"X","name":"model_run","args":{}},
            {"cat":"Node","pid":1,"tid":1,"dur":40,"ts":2002,"ph":"X","name":"conv_kernel_time","args":{"op_name":"Conv",
              "input_type_shape":[{"float":[1,3,8,8]},{"float":[4,3,3,3]}],"output_type_shape":[{"float":[1,4,8,8]}]}}
            ]
            """;

    @Test
    void kernelsAreAssignedToTheRunTheyHappenedIn() throws IOException {
        OrtProfile p = OrtProfile.parse(TRACE);
        assertEquals(2, p.runCount());
        List<OpRecord> first = p.run(0);
        assertEquals(2, first.size());
        assertEquals("conv", first.get(0).node());
        assertEquals("Conv", first.get(0).opType());
        assertArrayEquals(new long[] {4, 3, 3, 3}, first.get(0).inputs().get(1));
        assertArrayEquals(new long[] {1, 4, 8, 8}, first.get(0).outputs().get(0));
        assertEquals(1, p.run(1).size());
    }

    @Test
    void timeByOperatorCanSkipTheWarmUpRun() throws IOException {
        OrtProfile p = OrtProfile.parse(TRACE);
        assertEquals(100L, p.timeByOpType(0).get("Conv"));
        assertEquals(40L, p.timeByOpType(1).get("Conv"));
        assertEquals(List.of("Conv", "Relu"), List.copyOf(p.timeByOpType(0).keySet()));
    }
}
