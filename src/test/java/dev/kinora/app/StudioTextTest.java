package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the status bar and the banner say, in words. */
class StudioTextTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static String ago(Duration d) {
        return HumanTime.ago(NOW.minus(d), NOW);
    }

    @Test
    void timesAreToldTheWayAPersonSaysThem() {
        assertEquals("just now", ago(Duration.ofSeconds(10)));
        assertEquals("a minute ago", ago(Duration.ofSeconds(70)));
        assertEquals("2 minutes ago", ago(Duration.ofSeconds(130)));
        assertEquals("an hour ago", ago(Duration.ofMinutes(61)));
        assertEquals("3 hours ago", ago(Duration.ofMinutes(185)));
        assertEquals("yesterday", ago(Duration.ofHours(26)));
        assertEquals("4 days ago", ago(Duration.ofDays(4)));
        assertEquals("just now", HumanTime.ago(NOW.plusSeconds(30), NOW), "a clock ahead of ours is not the future");
    }

    @Test
    void theDeviceIsNamedWithWhyInWords() {
        assertEquals("CPU", DeviceText.of(new DeviceReport(Device.CPU, Device.CPU, "")));
        assertEquals("CUDA GPU", DeviceText.of(new DeviceReport(Device.AUTO, Device.CUDA, "")));
        assertEquals("CPU (no CUDA runtime found)", DeviceText.of(new DeviceReport(Device.AUTO, Device.CPU,
                "CUDA unavailable: ai.onnxruntime.OrtException: CUDA execution provider is not enabled in this build.")));
        assertEquals("CPU (CUDA did not start: CUDA driver version is insufficient for CUDA runtime version)",
                DeviceText.of(new DeviceReport(Device.AUTO, Device.CPU,
                        "CUDA unavailable: CUDA driver version is insufficient for CUDA runtime version")));
        assertEquals("CUDA GPU not available (no CUDA runtime found): choose Auto or CPU to render",
                DeviceText.unavailable(Device.CUDA, "CUDA was requested but is not usable: libcudart.so.12: cannot open shared object file. Build with"));
        assertEquals("CPU (no CUDA runtime found), then CUDA GPU from the next job",
                DeviceText.pending("CPU (no CUDA runtime found)", Device.CUDA));
    }
}
