//! Users and products: the contract, refusals (message and nothing written), lists, deletes.

use orderdesk::service::{
    self, Error, ListQuery, NewProduct, NewUser, ProductChanges, UserChanges,
};

use crate::backend::TestDb;
use crate::{a_product, a_user, an_order, counts};

crate::on_every_backend!(
    create_user_matches_the_contract,
    duplicate_email_is_refused_case_insensitively,
    bad_user_input_is_refused_and_nothing_written,
    sql_looking_names_are_stored_as_typed,
    create_product_and_bad_product_input,
    update_product_price_stock_and_untracked,
    update_user_and_refusals,
    lists_page_and_filter_in_the_database,
    deletes_are_refused_while_orders_reference_them,
);

async fn create_user_matches_the_contract(t: TestDb) {
    let u = service::create_user(
        &t.db,
        NewUser {
            email: " Ada@Example.COM ".into(),
            full_name: " Ada Lovelace ".into(),
        },
    )
    .await
    .unwrap();
    assert!(u.id > 0);
    assert_eq!(u.email, "ada@example.com");
    assert_eq!(u.full_name, "Ada Lovelace");
    let json = serde_json::to_value(&u).unwrap();
    let keys = crate::keys(&json);
    assert_eq!(keys, ["id", "email", "full_name", "created_at"]);
    assert_eq!(service::get_user(&t.db, u.id).await.unwrap(), u);
}

async fn duplicate_email_is_refused_case_insensitively(t: TestDb) {
    a_user(&t.db, "ada@example.com").await;
    let before = counts(&t.db).await;
    let err = service::create_user(
        &t.db,
        NewUser {
            email: "ADA@example.com".into(),
            full_name: "Another Ada".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "email: ada@example.com is already registered"
    );
    assert_eq!(counts(&t.db).await, before);
}

async fn bad_user_input_is_refused_and_nothing_written(t: TestDb) {
    let before = counts(&t.db).await;
    let cases = [
        ("", "Ada", "email: is empty"),
        (
            "not-an-email",
            "Ada",
            "email: \"not-an-email\" is not a valid email",
        ),
        ("a b@x.io", "Ada", "email: must not contain spaces"),
        ("ada@example.com", "   ", "name: is empty"),
        (
            "ada@example.com",
            &"x".repeat(10_000),
            "name: is longer than 200 characters",
        ),
    ];
    for (email, name, message) in cases {
        let err = service::create_user(
            &t.db,
            NewUser {
                email: email.into(),
                full_name: name.into(),
            },
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().starts_with(message),
            "{email:?}/{name:.20}: got {err}"
        );
    }
    assert_eq!(counts(&t.db).await, before);
}

async fn sql_looking_names_are_stored_as_typed(t: TestDb) {
    let name = "Robert'); DROP TABLE users;--";
    let u = service::create_user(
        &t.db,
        NewUser {
            email: "bobby@example.com".into(),
            full_name: name.into(),
        },
    )
    .await
    .unwrap();
    let p = a_product(&t.db, "Zoë's 🚀 mug; DELETE FROM products", 100, None).await;
    assert_eq!(
        service::get_user(&t.db, u.id).await.unwrap().full_name,
        name
    );
    assert_eq!(
        service::get_product(&t.db, p.id).await.unwrap().name,
        "Zoë's 🚀 mug; DELETE FROM products"
    );
    assert_eq!(counts(&t.db).await.users, 1);
}

async fn create_product_and_bad_product_input(t: TestDb) {
    let p = a_product(&t.db, "Mug", 850, Some(3)).await;
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"id": p.id, "name": "Mug", "price_cents": 850, "stock": 3})
    );
    let before = counts(&t.db).await;
    let cases = [
        (
            NewProduct {
                name: String::new(),
                price_cents: 1,
                stock: None,
            },
            "name: is empty",
        ),
        (
            NewProduct {
                name: "X".into(),
                price_cents: -1,
                stock: None,
            },
            "price: must be 0.00..=",
        ),
        (
            NewProduct {
                name: "X".into(),
                price_cents: 1,
                stock: Some(-1),
            },
            "stock: must be 0..=",
        ),
        (
            NewProduct {
                name: "X".into(),
                price_cents: i64::MAX,
                stock: None,
            },
            "price: must be 0.00..=",
        ),
    ];
    for (input, message) in cases {
        let err = service::create_product(&t.db, input).await.unwrap_err();
        assert!(err.to_string().starts_with(message), "got {err}");
    }
    assert_eq!(counts(&t.db).await, before);
}

async fn update_product_price_stock_and_untracked(t: TestDb) {
    let p = a_product(&t.db, "Mug", 850, Some(3)).await;
    let updated = service::update_product(
        &t.db,
        p.id,
        ProductChanges {
            name: Some("Big mug".into()),
            price_cents: Some(990),
            stock: Some(Some(7)),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.price_cents, updated.stock),
        ("Big mug", 990, Some(7))
    );
    let untracked = service::update_product(
        &t.db,
        p.id,
        ProductChanges {
            stock: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(untracked.stock, None);
    assert_eq!(untracked.price_cents, 990);

    let err = service::update_product(&t.db, p.id, ProductChanges::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("product: nothing to change"),
        "{err}"
    );
    let err = service::update_product(
        &t.db,
        p.id,
        ProductChanges {
            price_cents: Some(-5),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().starts_with("price:"), "{err}");
    let err = service::update_product(
        &t.db,
        p.id + 1000,
        ProductChanges {
            price_cents: Some(5),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("product: unknown product {}", p.id + 1000)
    );
    assert_eq!(service::get_product(&t.db, p.id).await.unwrap(), untracked);
}

async fn update_user_and_refusals(t: TestDb) {
    let ada = a_user(&t.db, "ada@example.com").await;
    let grace = a_user(&t.db, "grace@example.com").await;
    let renamed = service::update_user(
        &t.db,
        ada.id,
        UserChanges {
            full_name: Some("Ada King".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.full_name, "Ada King");
    assert_eq!(renamed.email, "ada@example.com");
    let err = service::update_user(
        &t.db,
        grace.id,
        UserChanges {
            email: Some("ADA@example.com".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "email: ada@example.com is already registered"
    );
    assert_eq!(service::get_user(&t.db, grace.id).await.unwrap(), grace);
    let err = service::update_user(&t.db, 0, UserChanges::default())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "user: must be a positive id (got 0)");
}

async fn lists_page_and_filter_in_the_database(t: TestDb) {
    for i in 1..=5 {
        a_user(&t.db, &format!("user{i}@example.com")).await;
    }
    let special = a_user(&t.db, "percent_100%@example.com").await;
    let first = service::list_users(
        &t.db,
        &ListQuery {
            limit: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(first.len(), 2);
    let second = service::list_users(
        &t.db,
        &ListQuery {
            limit: Some(2),
            after: Some(first[1].id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(second.len(), 2);
    assert!(second[0].id > first[1].id);
    let found = service::list_users(
        &t.db,
        &ListQuery {
            filter: Some("USER3".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        found.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
        ["user3@example.com"]
    );
    // % and _ are matched literally, not as wildcards.
    let literal = service::list_users(
        &t.db,
        &ListQuery {
            filter: Some("_100%".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        literal.iter().map(|u| u.id).collect::<Vec<_>>(),
        [special.id]
    );
    let err = service::list_users(
        &t.db,
        &ListQuery {
            limit: Some(0),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "limit: must be 1..=1000 (got 0)");

    a_product(&t.db, "Green tea", 100, None).await;
    a_product(&t.db, "Black tea", 100, None).await;
    a_product(&t.db, "Mug", 100, None).await;
    let teas = service::list_products(
        &t.db,
        &ListQuery {
            filter: Some("TEA".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        teas.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Green tea", "Black tea"]
    );
}

async fn deletes_are_refused_while_orders_reference_them(t: TestDb) {
    let buyer = a_user(&t.db, "buyer@example.com").await;
    let idle = a_user(&t.db, "idle@example.com").await;
    let sold = a_product(&t.db, "Sold", 100, None).await;
    let unsold = a_product(&t.db, "Unsold", 100, None).await;
    an_order(&t.db, buyer.id, &[(sold.id, 1)]).await;
    let before = counts(&t.db).await;

    let err = service::delete_user(&t.db, buyer.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "user: user {} has 1 order(s) and cannot be deleted",
            buyer.id
        )
    );
    let err = service::delete_product(&t.db, sold.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "product: product {} is on 1 order line(s) and cannot be deleted",
            sold.id
        )
    );
    assert_eq!(counts(&t.db).await, before);

    assert_eq!(service::delete_user(&t.db, idle.id).await.unwrap(), idle.id);
    assert_eq!(
        service::delete_product(&t.db, unsold.id).await.unwrap(),
        unsold.id
    );
    let after = counts(&t.db).await;
    assert_eq!(
        (after.users, after.products),
        (before.users - 1, before.products - 1)
    );
    let err = service::delete_user(&t.db, idle.id).await.unwrap_err();
    assert_eq!(err.to_string(), format!("user: unknown user {}", idle.id));
}
