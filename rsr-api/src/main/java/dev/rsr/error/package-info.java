/**
 * RSR's exceptions: one unchecked root, {@link dev.rsr.error.RsrException}, with a subclass per
 * kind of fault (model, data, configuration, plugin, backend). Messages name the file, line, field,
 * node or plugin at fault.
 */
package dev.rsr.error;
