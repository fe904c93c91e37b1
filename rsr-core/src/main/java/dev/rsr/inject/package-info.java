/**
 * Wiring with Guice: {@link dev.rsr.inject.RsrModule} discovers every plugin once and binds it by
 * name; {@link dev.rsr.inject.Plugins} hands them to the engine and the command line.
 */
package dev.rsr.inject;
