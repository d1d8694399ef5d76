package org.nodulab.nn.onnx.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.Tensor;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.onnx.OnnxExport;
import org.nodulab.nn.onnx.OnnxExportException;
import org.nodulab.test.architectures.ArchitectureChecks;
import org.nodulab.test.architectures.EveryOp;
import org.nodulab.test.support.Osgi;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The ONNX export of every operation and every installed architecture, run by ONNX Runtime against the backend that
 * holds the weights: the same patches give the same probabilities within 1e-5. Batch-norm statistics, scales and
 * PReLU slopes are moved away from their initial values first, so that a wrong mapping of them shows.
 */
class OnnxExportTest {

	private static final double TOLERANCE = 1e-5;

	static ComputeBackend backend(String id) {
		for (ComputeBackend b : Osgi.services(ComputeBackend.class)) {
			if (b.id().equals(id)) {
				return b;
			}
		}
		throw new AssertionError("no backend " + id + " among " + Osgi.services(ComputeBackend.class).stream().map(ComputeBackend::id).toList());
	}

	/** Weights with batch-norm statistics, scales, shifts and PReLU slopes away from their initial values. */
	static Map<String, Tensor> perturbed(NetworkGraph graph, Map<String, Tensor> weights, long seed) {
		SplittableRandom r = new SplittableRandom(seed);
		Map<String, Tensor> out = new LinkedHashMap<>(weights);
		for (Node n : graph.nodes()) {
			if (n.op() instanceof Op.BatchNorm) {
				out.put(n.name() + "_gamma", fill(weights.get(n.name() + "_gamma"), () -> 1 + 0.3 * r.nextGaussian()));
				out.put(n.name() + "_beta", fill(weights.get(n.name() + "_beta"), () -> 0.2 * r.nextGaussian()));
				out.put(n.name() + "_mean", fill(weights.get(n.name() + "_mean"), () -> 0.2 * r.nextGaussian()));
				out.put(n.name() + "_log10stdev", fill(weights.get(n.name() + "_log10stdev"), () -> r.nextDouble(-0.3, 0.3)));
			} else if (n.op() instanceof Op.PRelu) {
				out.put(n.name() + "_W", fill(weights.get(n.name() + "_W"), () -> r.nextDouble(-0.2, 0.6)));
			}
		}
		return out;
	}

	private static Tensor fill(Tensor like, java.util.function.DoubleSupplier value) {
		float[] v = new float[like.values().length];
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) value.getAsDouble();
		}
		return new Tensor(like.shape(), v);
	}

	/** The largest difference between the training backend's and ONNX Runtime's probabilities on the same patches. */
	static double difference(String trainingBackend, NetworkGraph graph) throws Exception {
		try (TrainableNetwork trained = backend(trainingBackend).create(graph, new TrainingSettings(), 5)) {
			trained.setParameters(perturbed(graph, trained.parameters(), 9));
			Batch batch = ArchitectureChecks.noise(graph, 4, 17);
			float[] expected = trained.predict(batch);
			// deep residual networks with perturbed statistics reach logits of +-30, where both sides say 0 or 1 and
			// agree trivially: the classifier's weights are scaled down until every probability is in [0.01, 0.99]
			String classifier = graph.output().name() + "_W";
			for (int k = 0; k < 8 && saturated(expected); k++) {
				Tensor w = trained.parameters().get(classifier);
				float[] v = w.values().clone();
				for (int i = 0; i < v.length; i++) {
					v[i] *= 0.25f;
				}
				trained.setParameters(Map.of(classifier, new Tensor(w.shape(), v)));
				expected = trained.predict(batch);
			}
			assertFalse(saturated(expected), graph.name() + ": probabilities " + java.util.Arrays.toString(expected));
			try (TrainableNetwork onnx = backend("onnxruntime").inference(graph, new TrainingSettings(), trained.parameters())) {
				float[] actual = onnx.predict(batch);
				assertEquals(expected.length, actual.length);
				double max = 0;
				for (int i = 0; i < expected.length; i++) {
					assertTrue(Float.isFinite(actual[i]), graph.name() + ": probability " + actual[i]);
					max = Math.max(max, Math.abs(expected[i] - actual[i]));
				}
				return max;
			}
		}
	}

	private static boolean saturated(float[] p) {
		for (float x : p) {
			if (!(x >= 0.01 && x <= 0.99)) {
				return true;
			}
		}
		return false;
	}

	@Test
	void everyOperationGivesTheTrainingBackendsProbabilities() throws Exception {
		for (Op.Classifier.Output output : Op.Classifier.Output.values()) {
			for (String trainer : List.of("libtorch", "dl4j")) {
				double d = difference(trainer, EveryOp.graph(output));
				assertTrue(d < TOLERANCE, trainer + ", " + output + ": ONNX Runtime differs by " + d);
			}
		}
	}

	@Test
	void everyInstalledArchitectureGivesLibtorchsProbabilities() throws Exception {
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		List<String> checked = new ArrayList<>();
		for (ContributionDescriptor d : registry.descriptors()) {
			NetworkGraph graph = registry.build(d.id(), registry.defaultSettings(d).orElse(null));
			double diff = difference("libtorch", graph);
			System.out.printf("%-28s ONNX Runtime vs libtorch: %.2e%n", d.id(), diff);
			assertTrue(diff < TOLERANCE, d.id() + ": ONNX Runtime differs from libtorch by " + diff);
			checked.add(d.id());
		}
		assertTrue(checked.size() >= 5, "architectures checked: " + checked);
	}

	@Test
	void anExportedFileHasItsMetadataIsNeverOverwrittenAndLoadsBack(@TempDir Path dir) throws Exception {
		NetworkGraph graph = EveryOp.graph(Op.Classifier.Output.SIGMOID);
		try (TrainableNetwork trained = backend("libtorch").create(graph, new TrainingSettings(), 5)) {
			trained.setParameters(perturbed(graph, trained.parameters(), 3));
			Map<String, String> meta = new LinkedHashMap<>();
			meta.put("nodulab.run", "runs/example");
			meta.put("nodulab.inputs", "a,b");
			ModelProto model = OnnxExport.model(graph, trained.parameters(), meta, "0.1.0.test");
			Path file = dir.resolve("every-op.onnx");
			OnnxExport.write(model, file);
			byte[] written = Files.readAllBytes(file);
			assertThrows(FileAlreadyExistsException.class, () -> OnnxExport.write(model, file));
			assertArrayEquals(written, Files.readAllBytes(file), "an existing export is left as it was");
			try (var files = Files.list(dir)) {
				assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
			}

			ModelProto read = ModelProto.parseFrom(written);
			assertEquals(OnnxExport.OPSET, read.getOpsetImport(0).getVersion());
			assertEquals("a", read.getGraph().getInput(0).getName());
			assertEquals("b", read.getGraph().getInput(1).getName());
			assertEquals(List.of("batch", "1", "12", "12", "12"), read.getGraph().getInput(0).getType().getTensorType().getShape().getDimList()
					.stream().map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam()).toList());
			assertEquals(OnnxExport.OUTPUT, read.getGraph().getOutput(0).getName());
			Map<String, String> props = new LinkedHashMap<>();
			read.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
			assertEquals(meta, props);

			Batch batch = ArchitectureChecks.noise(graph, 3, 2);
			try (InputStream in = Files.newInputStream(file);
					TrainableNetwork loaded = backend("onnxruntime").load(graph, new TrainingSettings(), in)) {
				float[] a = trained.predict(batch);
				float[] b = loaded.predict(batch);
				for (int i = 0; i < a.length; i++) {
					assertEquals(a[i], b[i], TOLERANCE);
				}
				// the weights read back from the file are the trained ones, batch-norm variance back to log10 stdev
				Map<String, Tensor> back = loaded.parameters();
				Map<String, Tensor> original = trained.parameters();
				assertEquals(original.keySet(), back.keySet());
				for (String k : original.keySet()) {
					float[] x = original.get(k).values();
					float[] y = back.get(k).values();
					for (int i = 0; i < x.length; i++) {
						assertEquals(x[i], y[i], 1e-5, k);
					}
				}
			}
		}
	}

	@Test
	void aMissingWeightIsRefusedByNodeAndNothingIsWritten(@TempDir Path dir) throws Exception {
		NetworkGraph graph = EveryOp.graph(Op.Classifier.Output.SOFTMAX);
		try (TrainableNetwork trained = backend("libtorch").create(graph, new TrainingSettings(), 5)) {
			Map<String, Tensor> weights = new LinkedHashMap<>(trained.parameters());
			weights.remove("bn_mean");
			OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExport.model(graph, weights, Map.of(), "t"));
			assertTrue(e.getMessage().contains("node 'bn' (batchnorm)") && e.getMessage().contains("bn_mean"), e.getMessage());
			Map<String, Tensor> misshapen = new LinkedHashMap<>(trained.parameters());
			misshapen.put("c1_W", new Tensor(new long[] { 2 }, new float[2]));
			e = assertThrows(OnnxExportException.class, () -> OnnxExport.model(graph, misshapen, Map.of(), "t"));
			assertTrue(e.getMessage().contains("node 'c1' (conv3d)") && e.getMessage().contains("[4, 1, 3, 3, 3]"), e.getMessage());
		}
		try (var files = Files.list(dir)) {
			assertEquals(0, files.count());
		}
	}

	@Test
	void theOnnxRuntimeBackendPredictsOnly() throws Exception {
		ComputeBackend ort = backend("onnxruntime");
		assertFalse(ort.trains());
		BackendException e = assertThrows(BackendException.class,
				() -> ort.create(EveryOp.graph(Op.Classifier.Output.SIGMOID), new TrainingSettings(), 1));
		assertTrue(e.getMessage().contains("predicts only"), e.getMessage());
		assertTrue(ort.describe().get("onnxruntime").startsWith("1.23"), ort.describe().toString());
		// its natives come from the unpacked libraries bundle, not from a copy in the temporary folder
		assertTrue(ort.describe().get("natives").endsWith("linux-x64"), ort.describe().toString());
	}

	/** Debian's python3-onnx (1.12, opset 17) checks every export with its full checker, shape inference included. */
	@Test
	void onnxsOwnCheckerAcceptsEveryExport(@TempDir Path dir) throws Exception {
		Path python = Path.of("/usr/bin/python3");
		assumeTrue(Files.isExecutable(python) && run(python.toString(), "-c", "import onnx").exit() == 0,
				"python3-onnx is not installed here (apt-get install python3-onnx)");
		ArchitectureRegistry registry = Osgi.service(ArchitectureRegistry.class);
		List<String> files = new ArrayList<>();
		List<NetworkGraph> graphs = new ArrayList<>(List.of(EveryOp.graph(Op.Classifier.Output.SIGMOID), EveryOp.graph(Op.Classifier.Output.SOFTMAX)));
		for (ContributionDescriptor d : registry.descriptors()) {
			graphs.add(registry.build(d.id(), registry.defaultSettings(d).orElse(null)));
		}
		int k = 0;
		for (NetworkGraph graph : graphs) {
			try (TrainableNetwork trained = backend("libtorch").create(graph, new TrainingSettings(), 5)) {
				Path file = dir.resolve((k++) + "-" + graph.name() + ".onnx");
				OnnxExport.write(OnnxExport.model(graph, trained.parameters(), Map.of("nodulab.graph", graph.name()), "test"), file);
				files.add(file.toString());
			}
		}
		String script = """
				import sys, onnx
				for f in sys.argv[1:]:
				    m = onnx.load(f)
				    onnx.checker.check_model(m, full_check=True)
				    inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True)
				    out = inferred.graph.output[0].type.tensor_type.shape.dim
				    assert len(out) == 1 and out[0].dim_param == "batch", (f, out)
				    print("ok", f, m.opset_import[0].version, len(m.graph.node))
				""";
		List<String> command = new ArrayList<>(List.of(python.toString(), "-c", script));
		command.addAll(files);
		Result r = run(command.toArray(String[]::new));
		System.out.print(r.output());
		assertEquals(0, r.exit(), r.output());
		assertEquals(files.size(), r.output().lines().filter(l -> l.startsWith("ok ")).count(), r.output());
	}

	record Result(int exit, String output) {
	}

	static Result run(String... command) throws Exception {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!p.waitFor(5, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new AssertionError("timed out: " + String.join(" ", command));
		}
		return new Result(p.exitValue(), out);
	}
}
