package dev.steward.api;

import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.vertx.VertxInputStream;

/**
 * A body sent to apply without a length ({@code Transfer-Encoding: chunked}, or HTTP/2 without
 * {@code Content-Length}) is read through a stream that refuses it, as the {@code TooLarge} problem a declared length
 * over the limit gets ({@link MalformedRequests}), once more than the limit has been read. The HTTP layer marks such a
 * request with the limit for the REST layer's input stream, which would write an empty 413 itself before any
 * exception mapper could answer: the mark is taken off here, and its limit counted instead. Other operations read no
 * body, and keep the mark.
 */
public class UndeclaredBodyLimit {

    @ServerRequestFilter
    public void countBody(ContainerRequestContext request, RoutingContext context) {
        if (MalformedRequests.appliesManifests(context)
                && context.remove(VertxInputStream.MAX_REQUEST_SIZE_KEY) instanceof Long limit) {
            request.setEntityStream(new LimitedBody(request.getEntityStream(), limit, context));
        }
    }

    /** Counts what is read of a body and throws the {@code TooLarge} problem once it is over the limit. */
    private static final class LimitedBody extends FilterInputStream {
        private final long limit;
        private final RoutingContext context;
        private long read;

        LimitedBody(InputStream body, long limit, RoutingContext context) {
            super(body);
            this.limit = limit;
            this.context = context;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int bytes) {
            read += bytes;
            if (read > limit) {
                MalformedRequests.closeOnceAnswered(context);
                throw new ApiException(Problem.of(Problem.Code.TooLarge, "the request's body is more than the "
                        + MalformedRequests.limit(limit) + "; nothing was applied: " + MalformedRequests.SEND_FEWER));
            }
        }

        @Override
        public void close() throws IOException {
            if (read <= limit) { // the REST layer's stream reads the rest of a body when closed: not of one too large
                super.close();
            }
        }
    }
}
