package dev.rsr.spi;

/**
 * What every RSR plugin has: a stable name, by which configurations and the command line refer
 * to it. Names are lower-case words joined by hyphens ({@code onnxruntime}, {@code top-k}) and
 * unique within one SPI.
 */
public interface NamedProvider {
    /**
     * The plugin's name, as configurations and the command line give it.
     *
     * @return the name; constant for the life of the provider
     */
    String name();
}
