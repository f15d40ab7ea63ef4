package com.example.careless;

import java.util.concurrent.Callable;

/** An app's own code outside TokenGuard's packages: the call site a violation must name. */
public final class CarelessBilling {
    private CarelessBilling() {
    }

    public static <T> T refreshToken(Callable<T> tokenRequest) throws Exception {
        return tokenRequest.call();
    }
}
