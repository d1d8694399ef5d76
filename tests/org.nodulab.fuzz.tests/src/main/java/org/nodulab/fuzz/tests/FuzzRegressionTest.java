package org.nodulab.fuzz.tests;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.driver.FuzzedDataProviderImpl;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every committed input of every fuzz target, run as a test of its own: the seed corpus and each finding that was
 * kept ({@code src/test/resources/org/nodulab/fuzz/tests/<Class>Inputs/<method>/}, where Jazzer also writes new
 * findings). Jazzer's own regression mode reads inputs from the class path, which inside OSGi is not a file or jar
 * URL it can walk; this runs them the same way (a byte[] target gets the bytes, a FuzzedDataProvider target a
 * provider over them).
 */
class FuzzRegressionTest {

	private static final Path INPUTS = Path.of("src/test/resources/org/nodulab/fuzz/tests");

	@TestFactory
	List<DynamicTest> everyKeptInput() throws Exception {
		List<DynamicTest> tests = new ArrayList<>();
		for (Class<?> target : List.of(MetaImageFuzzTest.class, Luna16CsvFuzzTest.class, DicomSeriesFuzzTest.class, ExperimentFuzzTest.class)) {
			for (Method m : target.getDeclaredMethods()) {
				if (!m.isAnnotationPresent(FuzzTest.class)) {
					continue;
				}
				Path folder = INPUTS.resolve(target.getSimpleName() + "Inputs").resolve(m.getName());
				if (!Files.isDirectory(folder)) {
					throw new AssertionError("no seed corpus for " + target.getSimpleName() + "." + m.getName() + " at " + folder.toAbsolutePath());
				}
				try (Stream<Path> files = Files.list(folder)) {
					for (Path input : files.sorted().toList()) {
						tests.add(DynamicTest.dynamicTest(target.getSimpleName() + "." + m.getName() + " " + input.getFileName(), () -> run(target, m, input)));
					}
				}
			}
		}
		if (tests.size() < 10) {
			throw new AssertionError("only " + tests.size() + " kept inputs under " + INPUTS.toAbsolutePath());
		}
		return tests;
	}

	private static void run(Class<?> target, Method method, Path input) throws Throwable {
		byte[] bytes = Files.readAllBytes(input);
		var constructor = target.getDeclaredConstructor();
		constructor.setAccessible(true);
		Object instance = constructor.newInstance();
		method.setAccessible(true);
		Object argument = method.getParameterTypes()[0] == FuzzedDataProvider.class ? FuzzedDataProviderImpl.withJavaData(bytes) : bytes;
		try {
			method.invoke(instance, argument);
		} catch (java.lang.reflect.InvocationTargetException e) {
			throw e.getCause();
		}
	}
}
