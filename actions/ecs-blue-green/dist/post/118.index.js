export const id = 118;
export const ids = [118];
export const modules = {

/***/ 8118:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   stopFromPost: () => (/* binding */ stopFromPost)
/* harmony export */ });
/* unused harmony export stopWithRollback */
/* harmony import */ var _aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7507);
/* harmony import */ var _oaktree_action_kit__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9855);
/* harmony import */ var _oaktree_aws__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6542);



/**
 * StopDeployment with automatic rollback. A deployment that already ended answers
 * DeploymentAlreadyCompletedException, which counts as done.
 */
async function stopWithRollback(codedeploy, deploymentId) {
    try {
        const out = (await codedeploy.send(new _aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_2__/* .StopDeploymentCommand */ .NzN({ deploymentId, autoRollbackEnabled: true })));
        _oaktree_action_kit__WEBPACK_IMPORTED_MODULE_0__/* .log.info */ .Rm.info(`stop requested for ${deploymentId} with rollback: ${out.status ?? 'Pending'}` +
            (out.statusMessage ? ` (${out.statusMessage})` : ''));
        return 'stopped';
    }
    catch (err) {
        if (err.name === 'DeploymentAlreadyCompletedException') {
            _oaktree_action_kit__WEBPACK_IMPORTED_MODULE_0__/* .log.info */ .Rm.info(`deployment ${deploymentId} had already ended; nothing to stop`);
            return 'already-completed';
        }
        throw err;
    }
}
async function stopFromPost(saved) {
    const codedeploy = (0,_oaktree_aws__WEBPACK_IMPORTED_MODULE_1__/* .createClient */ .UU)(_aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_2__/* .CodeDeployClient */ .cHd, { region: saved.region, action: 'ecs-blue-green' });
    _oaktree_action_kit__WEBPACK_IMPORTED_MODULE_0__/* .log.info */ .Rm.info(`post: main did not finish deployment ${saved.deploymentId}; stopping it with rollback (on-cancel: rollback)`);
    await stopWithRollback(codedeploy, saved.deploymentId);
}


/***/ })

};
