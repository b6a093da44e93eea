// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.util.Pem;

import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;

/**
 * {@code java -cp multipass.jar multipass.tls.ClientIdentityTool <identity dir>}: loads or
 * creates the client identity in that directory and prints its certificate (PEM) on stdout.
 * The installer runs it <em>as the user being enrolled</em>, so every file is made by that
 * user, in that user's directory, exactly as the CLI would make it; root never writes into a
 * user's home (where a planted symlink could redirect its writes).
 */
public final class ClientIdentityTool {
    private ClientIdentityTool() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp multipass.jar multipass.tls.ClientIdentityTool <identity dir>");
            System.exit(1);
        }
        try {
            Identity identity = ClientIdentity.loadOrCreate(Path.of(args[0]));
            System.out.print(Pem.encode(Pem.CERTIFICATE, identity.certificate().getEncoded()));
            System.exit(0);
        } catch (IdentityException | CertificateEncodingException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
