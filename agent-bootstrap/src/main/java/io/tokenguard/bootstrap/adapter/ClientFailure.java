package io.tokenguard.bootstrap.adapter;

/**
 * The client's own unchecked failure (its send or its body read threw a RuntimeException or an
 * Error), carried out of an exchange so that the hook between the client and the adapter can tell it
 * from a fault of TokenGuard's: a fault means "proceed as without the agent", which would send the
 * request a second time; the client's own failure is rethrown to the app as it was.
 */
public final class ClientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientFailure(Throwable clients) {
        super(null, clients, false, false);
    }

    /** For an adapter that runs the client's own call itself (not through an exchange): what it threw, to rethrow as it was. */
    public static ClientFailure of(RuntimeException clients) {
        return new ClientFailure(clients);
    }

    /** Throws the client's own failure, as it was; declared to return one only for {@code throw f.rethrow()}. */
    public RuntimeException rethrow() {
        Throwable cause = getCause();
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        throw (RuntimeException) cause;
    }
}
