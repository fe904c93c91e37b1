/**
 * The plugin test kit: abstract JUnit 5 contract tests that a plugin author extends, one per SPI,
 * so that every provider (built-in or third-party) is held to the same contract.
 */
package dev.rsr.testkit;
