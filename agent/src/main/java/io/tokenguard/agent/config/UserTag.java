package io.tokenguard.agent.config;

/** Whether meters carry a {@code user} tag: off, or a short salted hash of the identity a limit counts. */
public enum UserTag {
    OFF, HASHED
}
