/**
 * Plugin discovery on a class loader, validated: every provider of an SPI by its unique name, a
 * provider that fails to load named with the jar it came from.
 */
package dev.rsr.plugin;
