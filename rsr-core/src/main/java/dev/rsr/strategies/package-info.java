/**
 * The built-in strategies of every refinement SPI, grouped by SPI (one class per SPI, one nested
 * provider per strategy), each registered in {@code META-INF/services} and found by name like any
 * third-party plugin.
 */
package dev.rsr.strategies;
