import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * Puts Jazzer on the system class path of the OSGi test JVM before the framework starts
 * ({@code -javaagent:classpath-agent.jar=jazzer.jar:jazzer-api.jar}). Jazzer's agent, runtime and native driver
 * expect to be one copy of each class, loaded by the system class loader; the framework then delegates
 * {@code com.code_intelligence.jazzer.*} to it ({@code osgi.parentClassloader=app},
 * {@code org.osgi.framework.bootdelegation}). A tycho-surefire JVM starts with {@code -jar}, so {@code -cp} cannot.
 */
public final class ClassPathAgent {

	private ClassPathAgent() {
	}

	public static void premain(String jars, Instrumentation instrumentation) throws IOException {
		for (String jar : jars.split(File.pathSeparator)) {
			instrumentation.appendToSystemClassLoaderSearch(new JarFile(jar));
		}
	}
}
