package org.nodulab.core.experiment;

import java.util.List;

/**
 * Settings of a contribution made of other contributions of a kind (a network merged from other
 * architectures): the experiment validator resolves each member's settings against its own
 * contribution, as it does for the experiment's top-level references, so that a member's problems come
 * back at its own line.
 */
public interface ComposedSettings {

	/** The kind of the members, as the catalog names it ({@code architectures}). */
	String memberKind();

	/** The key of the member list below these settings ({@code members}). */
	String membersKey();

	/** The members, each a contribution id with its settings. */
	List<? extends ContributionRef> members();
}
