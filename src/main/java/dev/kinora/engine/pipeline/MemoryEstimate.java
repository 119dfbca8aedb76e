package dev.kinora.engine.pipeline;

import static dev.kinora.engine.pipeline.MemoryLimits.format;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A job's memory, estimated before it runs (see {@link MemoryPlanner} and docs/engine.md for the formula and its
 * calibration): per ONNX component, the engine's own buffers, and the RAM and GPU memory of each phase of the job.
 * The peak is the largest phase.
 *
 * @param device     where the sessions run ("cpu" or "cuda")
 * @param job        the job's sizes
 * @param components every ONNX component the job uses
 * @param buffers    the engine's own buffers (Java heap and direct buffers)
 * @param sequential components loaded one at a time (text encoder freed before denoising, VAE decoder loaded after,
 *                   no previews) rather than all kept loaded
 * @param phases     what is loaded and running in each phase, in the order the job goes through them
 */
public record MemoryEstimate(String device, MemoryPlanner.Job job, List<Component> components, Buffers buffers, boolean sequential,
                             List<Phase> phases) {

    /**
     * One ONNX component.
     *
     * @param key         the pack's component key (denoiser, vae_decoder, ...)
     * @param weights     initializer and constant bytes of the graph
     * @param session     host RAM while its session is loaded (weights as ONNX Runtime holds them, plus the session's own)
     * @param vram        GPU memory of its weights (0 on the CPU)
     * @param activations peak working memory of one call at this job's shapes (on the GPU when the device is CUDA)
     * @param workload    the shapes those activations are for, in words
     */
    public record Component(String key, long weights, long session, long vram, long activations, String workload) {
    }

    /**
     * The engine's own host memory.
     *
     * @param frames  the output frames (RGB bytes)
     * @param working latents, guidance batches and decode chunks of the busiest moment
     * @param detail  what they are, in words
     */
    public record Buffers(long frames, long working, String detail) {
        public long total() {
            return frames + working;
        }
    }

    /**
     * A phase of the job.
     *
     * @param name   what happens ("denoising")
     * @param ram    host RAM in use at its peak
     * @param vram   GPU memory in use at its peak (0 on the CPU)
     * @param active the component running
     * @param loaded the components whose sessions are in memory
     */
    public record Phase(String name, long ram, long vram, String active, List<String> loaded) {
    }

    public MemoryEstimate {
        components = List.copyOf(components);
        phases = List.copyOf(phases);
    }

    public long peakRam() {
        return ramPeak().ram();
    }

    public long peakVram() {
        return phases.stream().mapToLong(Phase::vram).max().orElse(0);
    }

    public Phase ramPeak() {
        return phases.stream().max(Comparator.comparingLong(Phase::ram)).orElseThrow();
    }

    public Phase vramPeak() {
        return phases.stream().max(Comparator.comparingLong(Phase::vram)).orElseThrow();
    }

    public Component component(String key) {
        return components.stream().filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the job uses no " + key));
    }

    /** A few lines for `kinora models info`: the job, each component, the buffers and the peaks. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %d frames (%d per window, %d window%s, batch %d) on the %s, %s%n", job.mode().id(),
                job.outputFrames(), job.window(), job.windows(), job.windows() == 1 ? "" : "s", job.batch(), device,
                sequential ? "components loaded one at a time" : "all components kept loaded"));
        boolean gpu = device.equals("cuda");
        for (Component c : components) {
            sb.append(String.format(Locale.ROOT, "  %-13s weights %9s  session %9s  activations %9s%s  (%s)%n", c.key(), format(c.weights()),
                    format(c.session()), format(c.activations()), gpu ? "  gpu " + format(c.vram() + c.activations()) : "", c.workload()));
        }
        sb.append(String.format(Locale.ROOT, "  %-13s %s (%s)%n", "engine", format(buffers.total()), buffers.detail()));
        Phase p = ramPeak();
        sb.append(String.format(Locale.ROOT, "  peak RAM      %s while %s", format(p.ram()), p.name()));
        if (gpu) {
            Phase v = vramPeak();
            sb.append(String.format(Locale.ROOT, "; peak GPU memory %s while %s", format(v.vram()), v.name()));
        }
        return sb.toString();
    }
}
