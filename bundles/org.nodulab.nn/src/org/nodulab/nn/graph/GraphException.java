package org.nodulab.nn.graph;

/** A network graph is malformed: incompatible shapes, bad parameters, duplicate names. */
public class GraphException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public GraphException(String message) {
		super(message);
	}
}
