package dev.kinora.app.model;

import dev.kinora.engine.Direction;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;

/**
 * The generation settings of the prompt editor, saved with the project so reopening it restores
 * what the artist had dialled in. Zero / NaN / empty mean "the pack's default", as in
 * {@link dev.kinora.engine.GenerationRequest}.
 */
public record GenSettings(
        String pack,
        Device device,
        Mode mode,
        Direction direction,
        long seed,
        boolean seedLocked,
        int steps,
        float guidance,
        String scheduler,
        int frames,
        double fps,
        int variations,
        float strength) {

    public GenSettings {
        pack = pack == null || pack.isBlank() ? "tinyworld" : pack;
        device = device == null ? Device.AUTO : device;
        mode = mode == null ? Mode.GENERATE : mode;
        direction = direction == null ? Direction.FORWARD : direction;
        scheduler = scheduler == null ? "" : scheduler;
        if (variations < 1) {
            variations = 1;
        }
        if (!(strength > 0f) || strength > 1f) {
            strength = 0.6f;
        }
    }

    public static GenSettings defaults() {
        return new GenSettings("tinyworld", Device.AUTO, Mode.GENERATE, Direction.FORWARD, 42L, false,
                0, Float.NaN, "", 0, 0, 1, 0.6f);
    }

    public GenSettings withPack(String p) {
        return new GenSettings(p, device, mode, direction, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, strength);
    }

    public GenSettings withDevice(Device d) {
        return new GenSettings(pack, d, mode, direction, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, strength);
    }

    public GenSettings withMode(Mode m) {
        return new GenSettings(pack, device, m, direction, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, strength);
    }

    public GenSettings withDirection(Direction d) {
        return new GenSettings(pack, device, mode, d, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, strength);
    }

    public GenSettings withSeed(long s, boolean locked) {
        return new GenSettings(pack, device, mode, direction, s, locked, steps, guidance, scheduler, frames, fps, variations, strength);
    }

    public GenSettings withSampling(int st, float g, String sch) {
        return new GenSettings(pack, device, mode, direction, seed, seedLocked, st, g, sch, frames, fps, variations, strength);
    }

    public GenSettings withLength(int f, double rate) {
        return new GenSettings(pack, device, mode, direction, seed, seedLocked, steps, guidance, scheduler, f, rate, variations, strength);
    }

    public GenSettings withVariations(int v) {
        return new GenSettings(pack, device, mode, direction, seed, seedLocked, steps, guidance, scheduler, frames, fps, v, strength);
    }

    public GenSettings withStrength(float s) {
        return new GenSettings(pack, device, mode, direction, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, s);
    }
}
