package dev.kinora.engine;

/** The version stamped into every output's recipe. */
public final class KinoraVersion {
    private KinoraVersion() {
    }

    public static String get() {
        String v = KinoraVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-dev";
    }
}
