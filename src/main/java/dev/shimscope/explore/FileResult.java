package dev.shimscope.explore;

import dev.shimscope.model.FileVerdict;

/**
 * What exploring one file found: its verdict and the experiments behind it ({@code missing} null
 * when the file was absent in the traced run already, {@code empty} null unless it is a
 * pseudo-file that can be shown empty).
 */
public record FileResult(FileVerdict verdict, ExperimentResult missing, ExperimentResult empty) {
}
