package dev.steward.api;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Every RestAssured request of a {@code @QuarkusTest} carries the test profile's API token ({@code %test.steward.token})
 * unless it has an Authorization of its own, as the CLI's requests do: the tests are about the API, and
 * {@code TokenCheckTest} is about the token.
 */
public class TestRequestsCarryTheToken implements QuarkusTestBeforeEachCallback {
    private static final Filter TOKEN = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", ApiFixture.AUTHORIZATION);
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.replaceFiltersWith(TOKEN);
    }
}
