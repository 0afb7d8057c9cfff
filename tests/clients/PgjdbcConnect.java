/* PgjdbcConnect CONNINFO: connect with pgjdbc (its default LibPQFactory) and
 * print one line, "ok" or "error: <the driver's message>". CONNINFO is
 * libpq's key=value form (no quoting); host, port and dbname make the URL,
 * every other key but hostaddr is a connection property (sslmode,
 * sslrootcert, user). hostaddr=ADDR makes the name HOST resolve to ADDR
 * inside this JVM only (a hosts file, jdk.net.hosts.file), so the
 * certificate is checked against HOST. "--version" prints the versions. */
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

public class PgjdbcConnect {
	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("--version")) {
			System.out.println("pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION + " (Java "
					+ System.getProperty("java.version") + ")");
			return;
		}
		Map<String, String> kv = new LinkedHashMap<>();
		for (String w : args[0].trim().split("\\s+")) {
			int i = w.indexOf('=');
			kv.put(w.substring(0, i), w.substring(i + 1));
		}
		String host = kv.remove("host"), addr = kv.remove("hostaddr");
		if (addr != null) {
			Path hosts = Files.createTempFile("pgjdbc-hosts", "");
			hosts.toFile().deleteOnExit();
			Files.writeString(hosts, addr + " " + host + "\n");
			System.setProperty("jdk.net.hosts.file", hosts.toString());
		}
		String url = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
				+ kv.getOrDefault("port", "5432") + "/" + kv.getOrDefault("dbname", "postgres");
		kv.remove("port");
		kv.remove("dbname");
		Properties p = new Properties();
		p.setProperty("user", "postgres");
		p.setProperty("connectTimeout", "5");
		p.putAll(kv);
		try (Connection c = DriverManager.getConnection(url, p);
				Statement s = c.createStatement();
				ResultSet r = s.executeQuery("SELECT 1")) {
			r.next();
			System.out.println("ok");
		} catch (Exception e) {
			StringBuilder m = new StringBuilder(String.valueOf(e.getMessage()));
			for (Throwable t = e.getCause(); t != null; t = t.getCause())
				m.append(" | ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
			System.out.println("error: " + m.toString().replaceAll("\\s+", " "));
		}
	}
}
