package io.tokenguard.sample.idp;

/** One route of the emulated IdP. */
interface Endpoint {
    IdpReply handle(IdpRequest request);
}
