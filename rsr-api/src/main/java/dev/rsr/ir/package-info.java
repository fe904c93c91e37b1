/**
 * The graph IR: an immutable model ({@link dev.rsr.ir.ModelGraph}: graph, initializers, metadata)
 * whose op types and attributes follow ONNX semantics, with its validation. Models enter and leave
 * RSR as ONNX; backends compile this IR.
 */
package dev.rsr.ir;
