package dev.kinora.cli;

import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.engine.pack.PackVerifier;
import dev.kinora.engine.pack.TensorSpec;
import dev.kinora.engine.pack.Verification;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists, verifies and describes the installed model packs. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Model packs: list | verify [ID] | info ID.",
        subcommands = {ModelsCommand.ListPacks.class, ModelsCommand.Verify.class, ModelsCommand.Info.class})
final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return new ListPacks().call();
    }

    @Command(name = "list", description = "Installed packs and where they were found.")
    static final class ListPacks implements Callable<Integer> {
        @Override
        public Integer call() {
            PackRegistry reg = PackRegistry.standard();
            System.out.println("searched: " + reg.roots());
            for (PackRegistry.Entry e : reg.list()) {
                if (e.loaded()) {
                    ModelPack p = e.pack();
                    System.out.printf(Locale.ROOT, "%-12s %-22s v%-8s %dx%d, %d frames @ %.0f fps  modes %s  %s%n", p.id(), p.name(),
                            p.version(), p.width(), p.height(), p.frames(), p.fps(),
                            p.modes().stream().map(Mode::id).sorted().toList(), e.dir());
                } else {
                    System.out.printf("%-12s BROKEN: %s%n", e.dir().getFileName(), e.error());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", description = "Check every file of a pack (presence, containment, size, sha256). "
            + "Exit code 3 when a file is missing, misplaced or does not match its sha256.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", defaultValue = PackRegistry.DEFAULT_PACK, description = "Pack id or folder.")
        String id;

        @Option(names = "--verify", paramLabel = "full|quick", defaultValue = "full",
                description = "full (default): hash every byte of every file. quick: trust the hash cache for files it can prove"
                        + " unchanged (same inode, size, mtime, ctime and sampled blocks); the rest are hashed in full.")
        String depth;

        @Override
        public Integer call() throws PackException, BadInputException {
            Verification v;
            try {
                v = Verification.parse(depth);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--verify: " + e.getMessage());
            }
            ModelPack pack = PackRegistry.standard().find(id);
            PackVerifier.Report r = new PackVerifier(HashCache.defaultCache()).verify(pack, v);
            if (r.ok()) {
                System.out.printf(Locale.ROOT, "%s: OK (%d files, %.1f MB)%n", pack.id(),
                        pack.components().size() + pack.extraFiles().size(), r.totalBytes() / 1e6);
                return ExitCodes.OK;
            }
            for (String p : r.problems()) {
                System.out.println(pack.id() + ": " + p);
            }
            return ExitCodes.PACK;
        }
    }

    @Command(name = "info", description = "A pack's manifest: geometry, modes, defaults, tensors, and the memory of its default job.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", defaultValue = PackRegistry.DEFAULT_PACK, description = "Pack id or folder.")
        String id;

        @Option(names = "--device", defaultValue = "auto", description = "Estimate memory for auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
        String device;

        @Override
        public Integer call() throws PackException {
            ModelPack p = PackRegistry.standard().find(id);
            System.out.printf(Locale.ROOT, "%s (%s) v%s%nlicense    %s%nfolder     %s%n%s%nframes     %dx%d, %d per window @ %.0f fps%n"
                            + "latent     %d ch, %dx%d (stride %d spatial, %d temporal)%nprediction %s%n"
                            + "defaults   %s, %d steps, guidance %s, shift %s, %d context frames%nmodes      %s%n",
                    p.name(), p.id(), p.version(), p.license(), p.root(), p.description(), p.width(), p.height(), p.frames(), p.fps(),
                    p.latent().channels(), p.latent().height(), p.latent().width(), p.latent().spatialStride(), p.latent().temporalStride(),
                    p.prediction(), p.defaults().scheduler(), p.defaults().steps(), guidance(p.defaults()), shift(p.defaults()),
                    p.defaults().contextFrames(), p.modes().stream().map(Mode::id).sorted().toList());
            for (String e : p.examples()) {
                System.out.println("example    " + Terminal.safe(e));
            }
            for (Component c : p.components().values()) {
                System.out.printf(Locale.ROOT, "%-13s %s (%.1f MB)%n", c.key(), c.file(), c.size() / 1e6);
                for (TensorSpec s : c.inputs()) {
                    System.out.println("    in  " + s.describe());
                }
                for (TensorSpec s : c.outputs()) {
                    System.out.println("    out " + s.describe());
                }
            }
            memory(p);
            return ExitCodes.OK;
        }

        /** "2.5", or "2.5 (animate 2.0, extend 2.0)" when the pack names a job's own default, then its interval if it has one. */
        private static String guidance(ModelPack.SamplingDefaults d) {
            String interval = d.guidanceInterval().always() ? ""
                    : String.format(Locale.ROOT, " at flow times %.2f-%.2f", d.guidanceInterval().from(), d.guidanceInterval().to());
            return String.format(Locale.ROOT, "%.1f", d.guidance()) + byMode(d.guidanceByMode()) + interval;
        }

        /** "1.0", or "1.0 (generate 3.0)" when the pack names a job's own shift. */
        private static String shift(ModelPack.SamplingDefaults d) {
            return String.format(Locale.ROOT, "%.1f", d.shift()) + byMode(d.shiftByMode());
        }

        private static String byMode(Map<Mode, Float> own) {
            String s = own.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey().id(), e.getValue()))
                    .collect(Collectors.joining(", "));
            return s.isEmpty() ? "" : " (" + s + ")";
        }

        /** The default job's estimate, and what this machine has; a pack whose graphs cannot be read says so and no more. */
        private void memory(ModelPack p) {
            try (GenerationEngine engine = new GenerationEngine(PackRegistry.standard(), RuntimeOptions.defaults().withDevice(Device.parse(device)))) {
                System.out.println("memory     " + engine.memoryReport(p).replace("\n", "\n           "));
            }
        }
    }
}
