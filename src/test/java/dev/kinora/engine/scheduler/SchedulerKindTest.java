package dev.kinora.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchedulerKindTest {

    @ParameterizedTest
    @EnumSource(SchedulerKind.class)
    void everyKindRoundTripsThroughItsId(SchedulerKind kind) {
        assertEquals(kind, SchedulerKind.byId(kind.id()));
        assertEquals(kind, SchedulerKind.byId(" " + kind.id().toUpperCase() + " "));
    }

    @Test
    void idsAreTheDocumentedOnes() {
        assertEquals("flow-euler", SchedulerKind.FLOW_EULER.id());
        assertEquals("flow-heun", SchedulerKind.FLOW_HEUN.id());
        assertEquals("flow-dpm++2m", SchedulerKind.FLOW_DPMPP_2M.id());
        assertEquals("flow-unipc", SchedulerKind.FLOW_UNIPC.id());
        assertEquals("ddim", SchedulerKind.DDIM.id());
        assertEquals("euler", SchedulerKind.EULER.id());
        assertEquals("dpm++2m", SchedulerKind.DPMPP_2M.id());
        assertEquals("dpm++2m-karras", SchedulerKind.DPMPP_2M_KARRAS.id());
        assertEquals("lcm", SchedulerKind.LCM.id());
        assertEquals("euler-a", SchedulerKind.EULER_A.id());
    }

    @Test
    void unknownIdNamesEveryValidId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerKind.byId("lms"));
        assertTrue(e.getMessage().contains("\"lms\""), e.getMessage());
        for (SchedulerKind kind : SchedulerKind.values()) {
            assertTrue(e.getMessage().contains(kind.id()), e.getMessage());
        }
    }

    @Test
    void flowKindsAreFlowAndCreateTheirClass() {
        SchedulerConfig flow = SchedulerConfig.flow(3f, PredictionType.FLOW_VELOCITY);
        SchedulerConfig ddpm = SchedulerConfig.ddpm(PredictionType.EPSILON);
        assertTrue(SchedulerKind.FLOW_EULER.isFlow() && SchedulerKind.FLOW_HEUN.isFlow() && SchedulerKind.FLOW_DPMPP_2M.isFlow()
                && SchedulerKind.FLOW_UNIPC.isFlow());
        assertTrue(!SchedulerKind.DDIM.isFlow() && !SchedulerKind.EULER.isFlow());
        assertInstanceOf(FlowEulerScheduler.class, SchedulerKind.FLOW_EULER.create(flow));
        assertInstanceOf(FlowHeunScheduler.class, SchedulerKind.FLOW_HEUN.create(flow));
        assertInstanceOf(FlowDpmSolverMultistepScheduler.class, SchedulerKind.FLOW_DPMPP_2M.create(flow));
        assertInstanceOf(UniPcMultistepScheduler.class, SchedulerKind.FLOW_UNIPC.create(flow));
        assertInstanceOf(DdimScheduler.class, SchedulerKind.DDIM.create(ddpm));
        assertInstanceOf(EulerDiscreteScheduler.class, SchedulerKind.EULER.create(ddpm));
    }

    @ParameterizedTest
    @EnumSource(SchedulerKind.class)
    void aPredictionTypeFromTheOtherFamilyIsRejectedWithAnAlternative(SchedulerKind kind) {
        SchedulerConfig wrong = kind.isFlow()
                ? SchedulerConfig.ddpm(PredictionType.EPSILON).withSigmaSchedule(SigmaSchedule.SHIFTED)
                : SchedulerConfig.ddpm(PredictionType.FLOW_VELOCITY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kind.create(wrong));
        assertTrue(e.getMessage().contains(kind.isFlow() ? "ddim" : "flow-euler"), e.getMessage());
    }
}
