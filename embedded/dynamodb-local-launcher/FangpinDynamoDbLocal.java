import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local's own ServerRunner, minus telemetry, with its Jetty connector bound to 127.0.0.1 (it has no
 * option for that), exiting when stdin reaches EOF, i.e. when the parent process is gone, and with the table
 * descriptions it reads for every item kept parsed (TableDescriptionCache) unless -Dfangpin.descriptionCache=0.
 */
public final class FangpinDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    // Before the server exists: the cache replaces two static fields its code reads (TableDescriptionCache.install).
    String cache = "0".equals(System.getProperty("fangpin.descriptionCache")) ? "off" : TableDescriptionCache.install();
    // embedded/dynamodb-local.ts reads this line.
    System.out.println("fangpin: table descriptions " + cache);
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost("127.0.0.1");
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Discard.
        }
      } catch (Exception ignored) {
        // Treat a broken stdin like EOF.
      }
      System.exit(0);
    }, "fangpin-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      proxy.start();
    } catch (Throwable e) {
      // e.g. the port is taken. Jetty's threads would otherwise keep the JVM up, serving nothing.
      e.printStackTrace();
      System.exit(1);
    }
  }
}
