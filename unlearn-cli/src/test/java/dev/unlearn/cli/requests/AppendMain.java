package dev.unlearn.cli.requests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** A separate process for {@link AuditLogSecurityTest}: appends N keyed entries to a log. */
public final class AppendMain {
    private AppendMain() {}

    public static void main(String[] args) {
        AuditLog log = new AuditLog(Path.of(args[0]), AuditLogSecurityTest.KEY);
        int n = Integer.parseInt(args[2]);
        for (int i = 0; i < n; i++) {
            ObjectNode e = new ObjectMapper().createObjectNode();
            e.put("request_id", args[1] + "-" + i);
            e.put("request_hmac", args[1] + "-" + i);
            log.append(e);
        }
    }
}
