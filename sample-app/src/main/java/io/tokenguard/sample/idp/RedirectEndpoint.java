package io.tokenguard.sample.idp;

/**
 * A moved token endpoint: {@code 307 Temporary Redirect} to the real one, which tells a client that
 * follows it to repeat the POST with the same body. Whether a client follows is its own choice; tests
 * check that the agent does not change that choice.
 */
final class RedirectEndpoint implements Endpoint {
    private final String location;

    RedirectEndpoint(String location) {
        this.location = location;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        return IdpReply.json(307, "{\"moved_to\":\"" + location + "\"}").header("Location", location);
    }
}
