package dev.shimscope.explore;

import dev.shimscope.model.ArgumentVerdict;

/**
 * What exploring one argument value found: its verdict and, when it was measured, the two
 * experiments behind it (null otherwise: see {@link ArgumentVerdict.Basis}).
 */
public record ValueResult(ArgumentVerdict verdict, ExperimentResult stub, ExperimentResult fake) {
}
