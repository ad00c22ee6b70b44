// local: DynamoDB Local on 127.0.0.1 only. Its own main (ServerRunner) builds a Jetty
// server with `new Server(port)`, which listens on every interface, and has no option to
// choose the address. This launcher builds the server the same way, from the same
// command line, sets the address of its one connector to 127.0.0.1 and puts a check of
// the Host header in front of its handler before it starts.
//
// dynamodb-local.ts compiles it on first use with the Java runtime's own compiler and runs
// `java -cp <it, the jar and its lib> LoopbackDynamoDbLocal <DynamoDB Local's options>`.
// It reads a private field of DynamoDBProxyServer, so it is tied to the DynamoDB Local
// that package.json pins; when it cannot run (a runtime without the jdk.compiler module,
// a DynamoDB Local that changed), dynamodb-local.ts falls back to the jar's own main and
// says that it listens everywhere.
import java.lang.reflect.Field;
import java.util.Locale;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
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
    int port = ((ServerConnector) connectors[0]).getPort();
    server.setHandler(new LoopbackNamesOnly(server.getHandler(), port));
    proxy.start();
  }

  /**
   * Answers 421 to a request addressed to any other name than 127.0.0.1:PORT or
   * localhost:PORT: a web page on a name its owner points at 127.0.0.1 (DNS rebinding) is
   * on its own origin for the browser, so CORS does not stop it; its Host header does.
   */
  static final class LoopbackNamesOnly extends Handler.Wrapper {
    private final String byAddress;
    private final String byName;

    LoopbackNamesOnly(Handler inner, int port) {
      super(inner);
      this.byAddress = "127.0.0.1:" + port;
      this.byName = "localhost:" + port;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String host = request.getHeaders().get("Host");
      String name = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
      if (name.equals(byAddress) || name.equals(byName)) return super.handle(request, response, callback);
      response.setStatus(421);
      response.getHeaders().put("Content-Length", "0");
      callback.succeeded();
      return true;
    }
  }
}
