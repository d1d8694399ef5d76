package org.nodulab.nn.backend.dl4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Transfer;
import org.nodulab.nn.arch.NetworkSettings;
import org.nodulab.nn.arch.PatchInput;
import org.nodulab.nn.arch.densenet.DenseNetArchitecture;
import org.nodulab.nn.arch.densenet.DenseNetSettings;
import org.nodulab.nn.arch.inception.InceptionResNetArchitecture;
import org.nodulab.nn.arch.inception.InceptionResNetSettings;
import org.nodulab.nn.arch.resnet.ResNetArchitecture;
import org.nodulab.nn.arch.resnet.ResNetSettings;
import org.nodulab.nn.arch.vgg.VggArchitecture;
import org.nodulab.nn.arch.vgg.VggSettings;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.test.support.Osgi;

/**
 * Every architecture of the zoo, in a small configuration, on the DL4J backend: it learns the sphere
 * task, reads back from its saved form with identical predictions and optimiser state, and transfers
 * its weights to the same network for another patch size.
 */
class ArchitecturesOnDl4jTest {

	private final ComputeBackend backend = Osgi.service(ComputeBackend.class);

	/** Small versions of each architecture, by id, for a patch of {@code side}^3. */
	static Map<String, Function<Integer, NetworkGraph>> zoo() {
		Map<String, Function<Integer, NetworkGraph>> zoo = new LinkedHashMap<>();
		zoo.put("resnet (prelu, central pooling)", side -> {
			ResNetSettings s = small(new ResNetSettings(), side);
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			s.activation = NetworkSettings.ActivationKind.PRELU;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("se-resnet-cc", side -> {
			ResNetSettings s = small(new ResNetSettings.SeResNetCentreCrop(), side);
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("se-resnet v2", side -> {
			ResNetSettings s = small(new ResNetSettings.SeResNet(), side);
			s.squeezeExcitation = ResNetSettings.SqueezeExcitation.BEFORE_ADD;
			s.stemFilters = 8;
			s.filters = List.of(8, 16);
			s.blocksPerStage = 1;
			s.downsampling = NetworkSettings.Downsampling.MAX;
			return new ResNetArchitecture().build(s);
		});
		zoo.put("densenet-cc (dense head)", side -> {
			DenseNetSettings s = small(new DenseNetSettings.DenseNetCentreCrop(), side);
			s.stemFilters = 8;
			s.growthRate = 4;
			s.layersPerBlock = List.of(2, 2);
			s.denseUnits = 16;
			return new DenseNetArchitecture().build(s);
		});
		zoo.put("se-densenet v2", side -> {
			DenseNetSettings s = small(new DenseNetSettings.SeDenseNet(), side);
			s.squeezeExcitation = DenseNetSettings.SqueezeExcitation.LAYER;
			s.stemFilters = 8;
			s.growthRate = 4;
			s.layersPerBlock = List.of(2, 2);
			s.downsampling = NetworkSettings.Downsampling.CENTRAL;
			return new DenseNetArchitecture().build(s);
		});
		zoo.put("inception-resnet-cc", side -> {
			InceptionResNetSettings s = small(new InceptionResNetSettings.CentreCrop(), side);
			s.stemFilters = 8;
			s.filters = List.of(8, 12);
			s.blocksPerStage = 1;
			s.branchFilters = 4;
			return new InceptionResNetArchitecture().build(s);
		});
		zoo.put("vgg (dilated, SE)", side -> {
			VggSettings s = new VggSettings();
			s.branches = List.of(new PatchInput(side, side, side));
			s.filters = List.of(8, 16);
			s.convsPerStage = 1;
			s.dilatedStages = 1;
			s.squeezeExcitation = true;
			s.poolings = 2;
			s.denseUnits = 16;
			s.dropout = 0.1;
			return new VggArchitecture().build(s);
		});
		return zoo;
	}

	static <S extends NetworkSettings> S small(S s, int side) {
		s.branches = new ArrayList<>(List.of(PatchInput.cube(side)));
		s.dropout = 0.1;
		return s;
	}

	private static TrainingSettings adam() {
		TrainingSettings t = new TrainingSettings();
		t.learningRate = 0.003;
		return t;
	}

	@Test
	void everyArchitectureLearnsSavesLoadsAndTransfers() throws Exception {
		List<String> report = new ArrayList<>();
		for (Map.Entry<String, Function<Integer, NetworkGraph>> e : zoo().entrySet()) {
			String id = e.getKey();
			NetworkGraph graph = e.getValue().apply(16);
			SphereTask task = new SphereTask(16, 31);
			try (TrainableNetwork net = backend.create(graph, adam(), 17)) {
				List<Double> losses = new ArrayList<>();
				long start = System.nanoTime();
				for (int step = 0; step < 80; step++) {
					losses.add(net.fit(task.batch(8)));
				}
				double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
				double last = losses.subList(72, 80).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
				report.add(String.format(java.util.Locale.ROOT, "%s: %,d parameters, loss %.3f -> %.3f in %.1f s", id,
						graph.parameterCount(), first, last, (System.nanoTime() - start) / 1e9));
				assertTrue(last < 0.7 * first, id + ": loss should fall: " + first + " -> " + last + " " + losses);

				ByteArrayOutputStream saved = new ByteArrayOutputStream();
				net.save(saved);
				Batch probe = new SphereTask(16, 5).batch(6);
				try (TrainableNetwork loaded = backend.load(graph, adam(), new ByteArrayInputStream(saved.toByteArray()))) {
					assertArrayEquals(net.predict(probe), loaded.predict(probe), id + ": same predictions after save/load");
					// one more step on each, with the same dropout masks: equal only if Adam's moments were saved
					Batch next = task.batch(8);
					org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(77);
					net.fit(next);
					org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(77);
					loaded.fit(next);
					float[] a = net.predict(probe);
					float[] b = loaded.predict(probe);
					for (int i = 0; i < a.length; i++) {
						assertEquals(a[i], b[i], 1e-5, id + ": the optimiser state was saved too");
					}
				}

				NetworkGraph larger = e.getValue().apply(20);
				try (TrainableNetwork target = backend.create(larger, adam(), 99)) {
					Transfer.Report r = Transfer.copy(net, target);
					assertTrue(r.kept().isEmpty(), id + ": every array fits the 20^3 network: " + r);
					assertEquals(net.parameters().keySet(), target.parameters().keySet());
					assertEquals(net.parameters(), target.parameters());
				}
			}
		}
		report.forEach(System.out::println);
		assertTrue(org.nd4j.linalg.factory.Nd4j.getEnvironment().helpersAllowed(),
				"the dilated network turned oneDNN off only while it computed");
	}

	@Test
	void transferDropsWhatDependsOnThePatchSize() throws Exception {
		VggSettings s = new VggSettings();
		s.branches = List.of(new PatchInput(16, 16, 16));
		s.filters = List.of(8);
		s.convsPerStage = 1;
		s.head = VggSettings.Head.FLATTEN;
		s.denseUnits = 8;
		VggSettings t = new VggSettings();
		t.branches = List.of(new PatchInput(20, 20, 20));
		t.filters = List.of(8);
		t.convsPerStage = 1;
		t.head = VggSettings.Head.FLATTEN;
		t.denseUnits = 8;
		try (TrainableNetwork a = backend.create(new VggArchitecture().build(s), adam(), 1);
				TrainableNetwork b = backend.create(new VggArchitecture().build(t), adam(), 2)) {
			Transfer.Report r = Transfer.copy(a, b);
			assertEquals(List.of("b0_s0_conv0_W", "b0_s0_conv0_b", "fc_b", "out_W", "out_b"), r.copied().stream().sorted().toList());
			assertEquals(1, r.kept().size());
			assertTrue(r.kept().get(0).startsWith("fc_W Tensor[4096, 8] -> Tensor[8000, 8]"), r.toString());
			assertEquals(List.of("fc_W"), r.dropped());
		}
	}
}
