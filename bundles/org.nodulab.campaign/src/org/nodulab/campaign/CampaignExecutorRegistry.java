package org.nodulab.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsProblem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The contributions to {@code org.nodulab.campaign.executors}. */
@Component(service = { CampaignExecutorRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class CampaignExecutorRegistry extends AbstractContributionRegistry<CampaignExecutor> {

	public static final String EXTENSION_POINT = "org.nodulab.campaign.executors";

	@Activate
	public CampaignExecutorRegistry(@Reference IExtensionRegistry registry) {
		super("executors", "Campaign executors", EXTENSION_POINT, "executor", CampaignExecutor.class, registry);
	}

	/** An executor with its settings. */
	public record Configured(String id, CampaignExecutor<?> executor, Object settings) {
	}

	/**
	 * The executor of this id with its settings: the contribution's defaults, then the campaign file's
	 * {@code executor.settings} (when the campaign names this executor), then {@code key=value} options.
	 *
	 * @throws IllegalArgumentException naming the executor and every problem of the settings
	 */
	public Configured configure(String id, JsonNode fromCampaign, Map<String, String> options) throws ContributionException {
		ContributionDescriptor descriptor = require(id);
		CampaignExecutor<?> executor = createInstance(id);
		java.util.Optional<Class<?>> type = settingsClass(descriptor);
		if (type.isEmpty()) {
			if (!options.isEmpty() || fromCampaign != null && !fromCampaign.isNull() && !fromCampaign.isEmpty()) {
				throw new IllegalArgumentException("executor '" + id + "' has no settings");
			}
			return new Configured(id, executor, null);
		}
		SettingsCodec codec = new SettingsCodec();
		ObjectNode tree = codec.mapper().createObjectNode();
		if (fromCampaign != null && fromCampaign.isObject()) {
			tree.setAll((ObjectNode) fromCampaign.deepCopy());
		}
		for (Map.Entry<String, String> o : options.entrySet()) {
			tree.set(o.getKey(), scalar(codec, o.getValue()));
		}
		List<SettingsProblem> problems = new ArrayList<>();
		Object settings = codec.convert(tree, type.get(), "", problems);
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException("executor '" + id + "' settings: "
					+ String.join("; ", problems.stream().map(p -> p.path() + ": " + p.message()).toList()));
		}
		return new Configured(id, executor, settings);
	}

	/** A value given as {@code key=value}: a number or true/false as such, anything else (04:00:00, 16G) as text. */
	static JsonNode scalar(SettingsCodec codec, String text) {
		var f = codec.mapper().getNodeFactory();
		if (text.matches("-?\\d{1,18}")) {
			return f.numberNode(Long.parseLong(text));
		}
		if (text.matches("-?(\\d+\\.\\d*|\\.\\d+)([eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+")) {
			return f.numberNode(Double.parseDouble(text));
		}
		if (text.equals("true") || text.equals("false")) {
			return f.booleanNode(Boolean.parseBoolean(text));
		}
		return f.textNode(text);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}
}
