# Read by cpack before it generates the packages (CPACK_PROJECT_CONFIG_FILE).
# CPackDeb prepends CPACK_PACKAGE_DESCRIPTION_SUMMARY (CPack fills it in from the project's
# description) to every package's description; ours each start with their own synopsis.
if(CPACK_GENERATOR STREQUAL "DEB")
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
endif()
