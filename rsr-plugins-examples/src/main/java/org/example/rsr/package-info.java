/**
 * Example RSR plugins, written as a third party writes them: against rsr-api only, registered in
 * {@code META-INF/services}, settings read through {@link dev.rsr.spi.Settings}, and tested with
 * rsr-testkit's contracts. {@link org.example.rsr.RelativeGradientImportance} scores elements by
 * {@code |g|/(|w|+ε)}; {@link org.example.rsr.RankBasedTrail} is a rank-based ant system with
 * bounded levels.
 */
package org.example.rsr;
