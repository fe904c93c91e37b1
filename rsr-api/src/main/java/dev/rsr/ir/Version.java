package dev.rsr.ir;

/** The RSR version, written into the models it produces. */
public final class Version {
    /** Read from the jar manifest; "dev" when running from classes. */
    public static final String CURRENT = resolve();

    private Version() {
    }

    private static String resolve() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
