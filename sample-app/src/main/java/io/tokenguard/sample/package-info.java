/** A careless OAuth client app and an emulated identity provider; knows nothing about TokenGuard. */
package io.tokenguard.sample;
