package org.nodulab.nn.onnx;

/** A network that cannot be written as ONNX: the message names the node, its operation and why. */
public final class OnnxExportException extends Exception {

	private static final long serialVersionUID = 1L;

	public OnnxExportException(String message) {
		super(message);
	}

	public OnnxExportException(String message, Throwable cause) {
		super(message, cause);
	}
}
