/**
 * Serving ONNX models over HTTP with the Open Inference Protocol (KServe v2 REST): the
 * {@link dev.rsr.serve.ModelServer}, its {@link dev.rsr.serve.ServerConfig}, and the JSON tensor
 * and text-classification code it shares with {@code rsr predict}.
 */
package dev.rsr.serve;
