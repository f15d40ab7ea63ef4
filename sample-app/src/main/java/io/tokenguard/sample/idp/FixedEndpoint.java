package io.tokenguard.sample.idp;

/** Always the same answer: error pages for comparing how clients surface non-2xx statuses. */
final class FixedEndpoint implements Endpoint {
    private final int status;
    private final String contentType;
    private final String body;

    FixedEndpoint(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        return IdpReply.of(status, contentType, body);
    }
}
