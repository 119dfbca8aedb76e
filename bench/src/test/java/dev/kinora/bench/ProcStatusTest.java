package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatusTest {
    private static final String STATUS = """
            Name:\tjava
            VmPeak:\t 8123456 kB
            VmHWM:\t  734512 kB
            VmRSS:\t  701220 kB
            RssAnon:\t  650000 kB
            Threads:\t42
            """;

    @Test
    void readsResidentAndPeakSetInKilobytes() {
        assertEquals(701220, ProcStatus.parseKb(STATUS, "VmRSS").orElseThrow());
        assertEquals(734512, ProcStatus.parseKb(STATUS, "VmHWM").orElseThrow());
    }

    @Test
    void aKeyIsMatchedWholeNotByPrefix() {
        assertEquals(650000, ProcStatus.parseKb(STATUS, "RssAnon").orElseThrow());
        assertTrue(ProcStatus.parseKb(STATUS, "Rss").isEmpty());
        assertTrue(ProcStatus.parseKb(STATUS, "VmSwap").isEmpty());
    }

    @Test
    void countsWithoutAUnitAreTakenAsTheyAre() {
        assertEquals(42, ProcStatus.parseKb(STATUS, "Threads").orElseThrow());
        assertEquals(2048, ProcStatus.parseKb("MemTotal: 2 MB\n", "MemTotal").orElseThrow());
    }

    @Test
    void thisProcessHasAResidentSetOnLinux() {
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertTrue(ProcStatus.rssKb() > 0);
            assertTrue(ProcStatus.peakKb() >= ProcStatus.rssKb() / 2);
        }
    }

    @Test
    void theCpuModelComesFromTheFirstModelNameLine() {
        assertEquals("Intel(R) Xeon(R) Processor", MachineInfo.cpuModel("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nmodel name\t: other\n"));
        assertEquals("unknown", MachineInfo.cpuModel("processor : 0\n"));
    }
}
