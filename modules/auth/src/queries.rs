//! `/cosmos.auth.v1beta1.Query/...` handlers: protobuf request in, protobuf response out.

use agora_core::{decode_request, Address, Context, Error, Result, SdkCode, ACCOUNT_PREFIX};
use agora_proto::cosmos::auth::v1beta1 as pb;
use prost::Message;

use crate::{Account, Keeper};

const ACCOUNTS_PATH: &str = "/cosmos.auth.v1beta1.Query/Accounts";
const ACCOUNT_PATH: &str = "/cosmos.auth.v1beta1.Query/Account";
const ACCOUNT_INFO_PATH: &str = "/cosmos.auth.v1beta1.Query/AccountInfo";
const PARAMS_PATH: &str = "/cosmos.auth.v1beta1.Query/Params";
const MODULE_ACCOUNTS_PATH: &str = "/cosmos.auth.v1beta1.Query/ModuleAccounts";
const MODULE_ACCOUNT_BY_NAME_PATH: &str = "/cosmos.auth.v1beta1.Query/ModuleAccountByName";
const BECH32_PREFIX_PATH: &str = "/cosmos.auth.v1beta1.Query/Bech32Prefix";

/// The query paths auth serves.
pub const PATHS: &[&str] = &[
    ACCOUNTS_PATH,
    ACCOUNT_PATH,
    ACCOUNT_INFO_PATH,
    PARAMS_PATH,
    MODULE_ACCOUNTS_PATH,
    MODULE_ACCOUNT_BY_NAME_PATH,
    BECH32_PREFIX_PATH,
];

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        ACCOUNTS_PATH => {
            let req: pb::QueryAccountsRequest = decode_request(path, data)?;
            let (accounts, pagination) = keeper.accounts_page(ctx, req.pagination.as_ref())?;
            pb::QueryAccountsResponse {
                accounts: accounts.iter().map(Account::to_any).collect(),
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        ACCOUNT_PATH => {
            let req: pb::QueryAccountRequest = decode_request(path, data)?;
            let account = existing_account(keeper, ctx, &req.address)?;
            pb::QueryAccountResponse {
                account: Some(account.to_any()),
            }
            .encode_to_vec()
        }
        ACCOUNT_INFO_PATH => {
            let req: pb::QueryAccountInfoRequest = decode_request(path, data)?;
            let account = existing_account(keeper, ctx, &req.address)?;
            pb::QueryAccountInfoResponse {
                info: Some(account.to_base_proto()),
            }
            .encode_to_vec()
        }
        PARAMS_PATH => {
            decode_request::<pb::QueryParamsRequest>(path, data)?;
            pb::QueryParamsResponse {
                params: Some(keeper.params(ctx)?.to_proto()),
            }
            .encode_to_vec()
        }
        MODULE_ACCOUNTS_PATH => {
            // The request has no pagination (as the SDK's): the list is the app's module accounts.
            decode_request::<pb::QueryModuleAccountsRequest>(path, data)?;
            let accounts = keeper
                .module_accounts(ctx)?
                .iter()
                .map(Account::to_any)
                .collect();
            pb::QueryModuleAccountsResponse { accounts }.encode_to_vec()
        }
        MODULE_ACCOUNT_BY_NAME_PATH => {
            let req: pb::QueryModuleAccountByNameRequest = decode_request(path, data)?;
            if req.name.is_empty() {
                return Err(Error::sdk(SdkCode::InvalidRequest, "module name is empty"));
            }
            let account = keeper
                .account(ctx, &Address::module(&req.name))?
                .filter(|a| a.module.is_some())
                .ok_or_else(|| Error::not_found(format!("account {}", req.name)))?;
            pb::QueryModuleAccountByNameResponse {
                account: Some(account.to_any()),
            }
            .encode_to_vec()
        }
        BECH32_PREFIX_PATH => {
            decode_request::<pb::Bech32PrefixRequest>(path, data)?;
            pb::Bech32PrefixResponse {
                bech32_prefix: ACCOUNT_PREFIX.to_string(),
            }
            .encode_to_vec()
        }
        _ => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {path}"),
            ))
        }
    })
}

/// The account at a bech32 address; a gRPC `NotFound` if none.
fn existing_account(keeper: &Keeper, ctx: &mut Context, address: &str) -> Result<Account> {
    if address.is_empty() {
        return Err(Error::sdk(
            SdkCode::InvalidAddress,
            "address cannot be empty",
        ));
    }
    let addr = Address::from_bech32(address)?;
    keeper
        .account(ctx, &addr)?
        .ok_or_else(|| Error::not_found(format!("account {addr}")))
}
