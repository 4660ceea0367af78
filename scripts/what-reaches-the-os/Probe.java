// SPDX-License-Identifier: MIT
// What Java's Socket.connect(endpoint, timeout) makes the OS do, direct and
// through a SOCKS5 proxy: run under strace by scripts/what-reaches-the-os.sh.
// usage: java Probe HOST PORT [SOCKS_HOST SOCKS_PORT]
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Paths;

public class Probe {
    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        Socket s = args.length > 3
            ? new Socket(new Proxy(Proxy.Type.SOCKS,
                  new InetSocketAddress(args[2], Integer.parseInt(args[3]))))
            : new Socket();
        s.connect(target, 2000);
        s.close();
        for (String line : Files.readAllLines(Paths.get("/proc/self/status")))
            if (line.startsWith("VmHWM") || line.startsWith("VmRSS"))
                System.out.println("probe: " + line.replaceAll("\\s+", " "));
    }
}
