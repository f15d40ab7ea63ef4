package io.tokenguard.agent.catalog;

/** Whom a limit counts: the resource owner (falling back to the client when there is none), or the client. */
public enum LimitPer {
    USER, CLIENT
}
