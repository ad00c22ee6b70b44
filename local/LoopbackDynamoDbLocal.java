// local: DynamoDB Local on 127.0.0.1 only. Its own main (ServerRunner) builds a Jetty
// server with `new Server(port)`, which listens on every interface, and has no option to
// choose the address. This launcher builds the server the same way, from the same
// command line, and sets the address of its one connector to 127.0.0.1 before it starts.
//
// Run by `java`'s source-file mode (no build step): `java -cp <the jar and its lib>
// LoopbackDynamoDbLocal.java <DynamoDB Local's own options>`. It reads a private field of
// DynamoDBProxyServer, so it is tied to the DynamoDB Local that package.json pins; when it
// cannot run (a JRE without the jdk.compiler module, a DynamoDB Local that changed),
// dynamodb-local.ts falls back to the jar's own main and says that it listens everywhere.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local built a server without a connector");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
  }
}
